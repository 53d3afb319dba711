// Word lists for the demo bank: Chinese names and places, and the coded values the customer master uses.
import { Weighted } from './random.ts';

// The most common surnames, roughly in order of frequency (weights fall off with rank, as they do in the census).
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
/** Surnames weighted by how common they are. */
export const SURNAME = new Weighted(SURNAMES.map((s, rank) => [s, 1 / (rank + 8)] as const));
/** Two-character compound surnames, rare. */
export const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫'];

/** Characters common in men's given names. */
export const MALE_GIVEN = [
  ...'伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋志峰建国文博亮晨阳天翔毅晖浩然子轩宇航',
];
/** Characters common in women's given names. */
export const FEMALE_GIVEN = [
  ...'芳娜敏静丽艳娟霞秀燕玲桂丹萍红玉兰琳雪颖慧佳倩婷琪欣怡悦梅莉洁晶璐瑶雯馨月雨涵诗思彤梓萱',
];

/** A branch of the bank: its city, the id_number region code of that city, and its sub-branch districts. */
export interface BranchSpec {
  readonly code: string;
  readonly city: string;
  readonly regionCode: string;
  /** Share of the bank's customers booked at this branch. */
  readonly weight: number;
  readonly subBranches: readonly string[];
}

/** The five branches of the demo bank, a regional bank of the Yangtze River Delta. */
export const BRANCHES: readonly BranchSpec[] = [
  { code: 'HZ', city: '杭州', regionCode: '330106', weight: 0.3, subBranches: ['西湖', '滨江', '钱江新城'] },
  { code: 'SH', city: '上海', regionCode: '310115', weight: 0.24, subBranches: ['陆家嘴', '徐家汇', '虹桥'] },
  { code: 'NJ', city: '南京', regionCode: '320102', weight: 0.17, subBranches: ['新街口', '河西'] },
  {
    code: 'SZ',
    city: '苏州',
    regionCode: '320505',
    weight: 0.16,
    subBranches: ['工业园区', '姑苏', '高新区'],
  },
  { code: 'NB', city: '宁波', regionCode: '330203', weight: 0.13, subBranches: ['鄞州', '海曙'] },
];

/** Where customers who moved to a branch city were born: city and id_number region code. */
export const BIRTHPLACES: readonly (readonly [string, string])[] = [
  ['温州', '330302'],
  ['绍兴', '330602'],
  ['嘉兴', '330402'],
  ['无锡', '320211'],
  ['常州', '320402'],
  ['合肥', '340104'],
  ['南昌', '360102'],
  ['武汉', '420106'],
  ['长沙', '430103'],
  ['郑州', '410105'],
  ['成都', '510104'],
  ['北京', '110105'],
  ['济南', '370102'],
  ['福州', '350102'],
  ['安庆', '340803'],
];

/** Occupations with a weight by age band [under 30, 30–59, 60+] and a typical monthly salary in CNY. */
export const OCCUPATIONS: readonly {
  code: string;
  weights: readonly [number, number, number];
  salary: number;
}[] = [
  { code: 'employee', weights: [40, 30, 3], salary: 9000 },
  { code: 'engineer', weights: [12, 8, 1], salary: 16000 },
  { code: 'civil_servant', weights: [5, 7, 1], salary: 11000 },
  { code: 'public_institution', weights: [5, 7, 1], salary: 10000 },
  { code: 'teacher', weights: [4, 5, 1], salary: 9500 },
  { code: 'doctor', weights: [2, 4, 1], salary: 15000 },
  { code: 'finance', weights: [3, 3, 0.5], salary: 18000 },
  { code: 'executive', weights: [0.5, 4, 1], salary: 35000 },
  { code: 'business_owner', weights: [1, 8, 3], salary: 30000 },
  { code: 'self_employed', weights: [6, 12, 3], salary: 8000 },
  { code: 'freelancer', weights: [8, 5, 1], salary: 7000 },
  { code: 'farmer', weights: [1, 3, 4], salary: 4000 },
  { code: 'student', weights: [12, 0, 0], salary: 1500 },
  { code: 'retired', weights: [0, 1, 80], salary: 5000 },
];

/** Education levels, most to least common among adults in the branch cities. */
export const EDUCATION = [
  'junior_high',
  'high_school',
  'associate',
  'bachelor',
  'master',
  'doctorate',
] as const;

/** Marital status codes. */
export const MARITAL_STATUS = ['single', 'married', 'divorced', 'widowed'] as const;

/** Mobile number prefixes of the three carriers (13x, 15x, 18x). */
export const PHONE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
];

/** Free mail domains, for the minority of customers who gave an email address. */
export const MAIL_DOMAINS = ['qq.com', '163.com', '126.com', 'sina.com', 'outlook.com', 'foxmail.com'];
