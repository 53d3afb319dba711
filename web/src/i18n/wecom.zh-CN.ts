import type { wecomEnUS } from './wecom.en-US.ts';

// 企业微信区域（web/src/pages/wecom）：客户经理好友覆盖、未匹配好友、交接中的企业微信转接。
export const wecomZhCN: Record<keyof typeof wecomEnUS, string> = {
  'wecom.title': '企业微信',
  'wecom.subtitle': '您权限范围内客户经理的企业微信好友关系。',
  'wecom.tab.coverage': '好友覆盖',
  'wecom.tab.unmatched': '未匹配好友',
  'wecom.tab.handovers': '交接转接',
  'wecom.loadFailed': '企业微信数据加载失败',

  'wecom.coverage.week': '业务周 {from} 至 {to}',
  'wecom.coverage.manager': '客户经理',
  'wecom.coverage.friends': '好友数',
  'wecom.coverage.matched': '已匹配',
  'wecom.coverage.unmatched': '未匹配',
  'wecom.coverage.matchedShare': '匹配率',
  'wecom.coverage.added': '本周新增',
  'wecom.coverage.lost': '本周流失',
  'wecom.coverage.total': '合计',
  'wecom.coverage.chart': '各客户经理好友数',
  'wecom.coverage.empty': '您的权限范围内没有客户经理。',

  'wecom.setup.title': '尚无企业微信好友关系',
  'wecom.setup.body':
    '好友关系来自企业微信：回调（配置 FLYWHEEL_WECOM_CORP_ID、FLYWHEEL_WECOM_CALLBACK_TOKEN 和 FLYWHEEL_WECOM_AES_KEY，并在企业微信管理后台填写回调地址 /v1/wecom/callback）以及好友全量同步（另需 FLYWHEEL_WECOM_SECRET）。没有企业微信时，可在服务旁运行 `flywheel wecom simulator`（使用相同的变量），再调用 POST /v1/wecom/sync 试用。接入之前，这里的数字均为零。',

  'wecom.unmatched.manager': '客户经理',
  'wecom.unmatched.allManagers': '全部客户经理',
  'wecom.unmatched.name': '企业微信名称',
  'wecom.unmatched.addedAt': '添加时间',
  'wecom.unmatched.count': '{n} 位未匹配好友',
  'wecom.unmatched.empty': '所有好友均已关联客户。',
  'wecom.unmatched.link': '关联客户',
  'wecom.link.title': '将 {name} 关联到客户',
  'wecom.link.customerNo': '客户号',
  'wecom.link.customerNoRequired': '请输入客户号',
  'wecom.link.submit': '关联',
  'wecom.link.done': '已关联客户 {no}',
  'wecom.link.unknownName': '该好友',

  'wecom.handovers.job': '交接任务',
  'wecom.handovers.giver': '移交人',
  'wecom.handovers.status': '任务状态',
  'wecom.handovers.createdAt': '开始时间',
  'wecom.handovers.transfers': '企业微信客户',
  'wecom.handovers.none': '无企业微信转接',
  'wecom.handovers.empty': '您的权限范围内没有交接任务。',
  'wecom.handovers.open': '查看',
  'wecom.handovers.notAllowed': '交接由支行行长和管理员执行。',
};
