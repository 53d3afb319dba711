import {
  ApiOutlined,
  AimOutlined,
  BarChartOutlined,
  CalendarOutlined,
  ClusterOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  FundProjectionScreenOutlined,
  IdcardOutlined,
  NodeIndexOutlined,
  NotificationOutlined,
  SafetyCertificateOutlined,
  TagsOutlined,
  TeamOutlined,
  WechatOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/en-US.ts';

/** One area of the product (DESIGN.md), as the side navigation lists it. */
export interface Area {
  readonly key: string;
  readonly path: string;
  readonly label: MessageKey;
  readonly icon: ReactNode;
  /** What the area will hold, shown while it is not built yet; undefined once it is. */
  readonly coming?: MessageKey;
}

export interface AreaGroup {
  readonly label: MessageKey | null;
  readonly areas: readonly Area[];
}

export const AREA_GROUPS: readonly AreaGroup[] = [
  {
    label: null,
    areas: [{ key: 'overview', path: '/', label: 'nav.overview', icon: <DashboardOutlined /> }],
  },
  {
    label: 'nav.group.know',
    areas: [
      { key: 'customers', path: '/customers', label: 'nav.customers', icon: <IdcardOutlined /> },
      { key: 'tags', path: '/tags', label: 'nav.tags', icon: <TagsOutlined /> },
      { key: 'segments', path: '/segments', label: 'nav.segments', icon: <ClusterOutlined /> },
    ],
  },
  {
    label: 'nav.group.operate',
    areas: [
      { key: 'pool', path: '/pool', label: 'nav.pool', icon: <TeamOutlined /> },
      { key: 'campaigns', path: '/campaigns', label: 'nav.campaigns', icon: <NotificationOutlined /> },
      { key: 'journeys', path: '/journeys', label: 'nav.journeys', icon: <NodeIndexOutlined /> },
      { key: 'activities', path: '/activities', label: 'nav.activities', icon: <CalendarOutlined /> },
      { key: 'wecom', path: '/wecom', label: 'nav.wecom', icon: <WechatOutlined /> },
    ],
  },
  {
    label: 'nav.group.measure',
    areas: [
      {
        key: 'analytics',
        path: '/analytics',
        label: 'nav.analytics',
        icon: <BarChartOutlined />,
      },
      {
        key: 'media',
        path: '/media',
        label: 'nav.media',
        icon: <FundProjectionScreenOutlined />,
      },
    ],
  },
  {
    label: 'nav.group.acquire',
    areas: [{ key: 'acquisition', path: '/acquisition', label: 'nav.acquisition', icon: <AimOutlined /> }],
  },
  {
    label: 'nav.group.system',
    areas: [
      { key: 'data', path: '/data', label: 'nav.data', icon: <CloudUploadOutlined />, coming: 'coming.data' },
      { key: 'admin', path: '/admin', label: 'nav.admin', icon: <SafetyCertificateOutlined /> },
    ],
  },
];

export const AREAS: readonly Area[] = AREA_GROUPS.flatMap((g) => g.areas);

/** The area a path belongs to (sub-paths included); Overview for anything unknown. */
export function areaForPath(path: string): Area {
  const match = AREAS.find((a) => a.path !== '/' && (path === a.path || path.startsWith(`${a.path}/`)));
  return match ?? (AREAS[0] as Area);
}

export const API_DOCS_ICON = <ApiOutlined />;
