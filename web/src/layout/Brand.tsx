import { useI18n } from '../i18n/i18n.tsx';

/** The Flywheel mark and name; `inverse` for the dark side navigation. */
export function Brand({
  size = 'normal',
  inverse = false,
  collapsed = false,
}: {
  size?: 'normal' | 'large';
  inverse?: boolean;
  collapsed?: boolean;
}) {
  const { t } = useI18n();
  const mark = size === 'large' ? 40 : 30;
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, minWidth: 0 }}>
      <svg width={mark} height={mark} viewBox="0 0 32 32" aria-hidden style={{ flex: 'none' }}>
        <circle cx="16" cy="16" r="15" fill="#1677ff" />
        <path
          d="M16 6a10 10 0 0 1 9.5 7h-4.2A6 6 0 0 0 16 10zm0 20a10 10 0 0 1-9.5-7h4.2A6 6 0 0 0 16 22zM6 16a10 10 0 0 1 7-9.5v4.2A6 6 0 0 0 10 16zm20 0a10 10 0 0 1-7 9.5v-4.2a6 6 0 0 0 3-5.3z"
          fill="#fff"
        />
      </svg>
      {!collapsed && (
        <div style={{ minWidth: 0, lineHeight: 1.25 }}>
          <div
            style={{
              fontWeight: 600,
              fontSize: size === 'large' ? 20 : 16,
              color: inverse ? '#fff' : 'rgba(0,0,0,0.88)',
              whiteSpace: 'nowrap',
            }}
          >
            {t('app.name')}
          </div>
          <div
            style={{
              fontSize: 12,
              color: inverse ? 'rgba(255,255,255,0.55)' : 'rgba(0,0,0,0.45)',
              whiteSpace: 'nowrap',
              overflow: 'hidden',
              textOverflow: 'ellipsis',
            }}
          >
            {t('app.tagline')}
          </div>
        </div>
      )}
    </div>
  );
}
