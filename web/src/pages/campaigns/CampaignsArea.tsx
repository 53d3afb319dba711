import { Tabs } from 'antd';
import { useMe } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate, subPath, usePath } from '../../router.ts';
import { CampaignDetail } from './CampaignDetail.tsx';
import { CampaignList } from './CampaignList.tsx';
import { CampaignWizard } from './CampaignWizard.tsx';
import { ContentEditor } from './ContentEditor.tsx';
import { ContentList } from './ContentList.tsx';
import { PolicyPage } from './PolicyPage.tsx';
import { OgsmList } from '../ogsm/OgsmList.tsx';
import { ProductList } from './ProductList.tsx';

/**
 * /campaigns[/new | /<id> | /<id>/edit], /campaigns/content[/new | /<id>], /campaigns/products, /campaigns/policy,
 * /campaigns/ogsm: the campaigns, the content library, the products and their roles, the contact policy, and every
 * OGSM plan's goal attainment.
 */
export default function CampaignsArea() {
  const { t } = useI18n();
  const me = useMe();
  const [first, second, third] = subPath(usePath(), '/campaigns');
  const tab =
    first === 'content' || first === 'products' || first === 'policy' || first === 'ogsm'
      ? first
      : 'campaigns';
  const page = (() => {
    if (tab === 'content') {
      if (second === 'new') return <ContentEditor key="new" />;
      if (second) return <ContentEditor key={second} id={Number(second)} />;
      return <ContentList />;
    }
    if (tab === 'products') return <ProductList />;
    if (tab === 'ogsm') return <OgsmList />;
    if (tab === 'policy') return <PolicyPage admin={me.permissions.includes('policy.manage')} />;
    if (first === 'new') return <CampaignWizard key="new" />;
    if (first && third === 'edit') return <CampaignWizard key={`edit-${first}`} id={Number(first)} />;
    if (first) return <CampaignDetail key={first} id={Number(first)} />;
    return <CampaignList />;
  })();
  return (
    <div data-testid="campaigns">
      <Tabs
        activeKey={tab}
        items={(['campaigns', 'content', 'products', 'policy', 'ogsm'] as const).map((key) => ({
          key,
          label: <span data-testid={`campaigns-tab-${key}`}>{t(`cmp.tab.${key}`)}</span>,
        }))}
        onChange={(key) => navigate(key === 'campaigns' ? '/campaigns' : `/campaigns/${key}`)}
        style={{ marginTop: -12, marginBottom: 4 }}
      />
      {page}
    </div>
  );
}
