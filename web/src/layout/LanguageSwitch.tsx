import { GlobalOutlined } from '@ant-design/icons';
import { Segmented, Tooltip } from 'antd';
import { LANGS, useI18n, type Lang } from '../i18n/i18n.tsx';

/** 中文 | English, remembered in localStorage. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Tooltip title={t('app.language')}>
      <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
        <GlobalOutlined style={{ color: 'rgba(0,0,0,0.45)' }} />
        <Segmented<Lang>
          size="small"
          value={lang}
          onChange={setLang}
          data-testid="lang-switch"
          options={LANGS.map((l) => ({
            value: l.lang,
            label: <span data-testid={`lang-${l.lang}`}>{l.label}</span>,
          }))}
        />
      </span>
    </Tooltip>
  );
}
