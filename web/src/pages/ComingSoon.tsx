import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Result, Typography } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';
import type { Area } from '../layout/areas.tsx';
import { navigate } from '../router.ts';

/** The placeholder for an area not built yet, saying what it will hold. */
export function ComingSoon({ area }: { area: Area }) {
  const { t } = useI18n();
  return (
    <Card data-testid="coming-soon" data-area={area.key}>
      <Result
        icon={<span style={{ fontSize: 64, color: '#1677ff', opacity: 0.85 }}>{area.icon}</span>}
        title={
          <span>
            {t(area.label)} · <Typography.Text type="secondary">{t('coming.title')}</Typography.Text>
          </span>
        }
        subTitle={
          <div style={{ maxWidth: 640, margin: '0 auto' }}>
            <div style={{ fontWeight: 500, marginBottom: 6 }}>{t('coming.willHold')}</div>
            <div data-testid="coming-description">{area.coming ? t(area.coming) : null}</div>
          </div>
        }
        extra={
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/')}>
            {t('coming.back')}
          </Button>
        }
      />
    </Card>
  );
}
