/**
 * Name material for the demo data: realistic Chinese names of institutions, products, enterprises and
 * people. Everything here is a pure function of the random source and its inputs.
 */
import type { Region } from '#shared/reference/regions';
import type { InstitutionTypeCode } from '#shared/reference/institution-types';
import type { Random } from './random';

const REGION_SUFFIXES = [
  '蒙古族藏族自治州', '哈萨克自治州', '蒙古自治州', '土家族苗族自治州', '苗族侗族自治州', '布依族苗族自治州', '傣族景颇族自治州',
  '傈僳族自治州', '哈尼族彝族自治州', '壮族苗族自治州', '藏族羌族自治州', '回族自治州', '藏族自治州', '彝族自治州', '白族自治州',
  '傣族自治州', '朝鲜族自治州', '柯尔克孜自治州', '自治州', '特别行政区', '维吾尔自治区', '壮族自治区', '回族自治区', '自治区',
  '自治县', '自治旗', '地区', '林区', '新区', '盟', '省', '市', '区', '县', '旗',
];

/**
 * The everyday short form of a region name: 厦门市 → 厦门, 广西壮族自治区 → 广西, 湘西土家族苗族自治州 → 湘西.
 * Two-character names keep their suffix (城区 stays 城区, 矿区 stays 矿区).
 */
export function shortRegionName(name: string): string {
  if (name.length <= 2) return name;
  if (name === '内蒙古自治区') return '内蒙古';
  if (name === '黑龙江省') return '黑龙江';
  for (const suffix of REGION_SUFFIXES) {
    if (name.endsWith(suffix) && name.length - suffix.length >= 2) return name.slice(0, -suffix.length);
  }
  return name;
}

// ---- people ---------------------------------------------------------------------------------

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘', '袁', '蔡', '蒋', '余',
  '于', '杜', '叶', '程', '魏', '苏', '吕', '丁', '任', '卢', '姚', '沈', '钟', '姜', '崔', '谭', '陆', '范', '汪', '廖',
  '石', '金', '韦', '贾', '夏', '付', '方', '邹', '熊', '白', '孟', '秦', '邱', '侯', '江', '尹', '薛', '闫', '段', '雷',
  '黎', '史', '龙', '陶', '贺', '顾', '毛', '郝', '龚', '邵', '万', '钱', '严', '洪', '赖', '武', '戴', '莫', '孔', '欧阳',
];
const GIVEN_MALE = '伟强磊军洋勇杰涛明超辉刚健斌鹏飞华平俊峰浩宇凯晨旭东波林亮宁龙帅志坤伦翔博文海成康毅政';
const GIVEN_FEMALE = '芳娜敏静丽艳秀娟霞燕玲桂丹萍红雪琳晶颖洁婷倩慧瑶琪璐欣怡悦岚梦晓雯蕾佳宁欢月薇蓉';

/** A Chinese personal name of the given gender (surname plus one or two characters). */
export function personName(random: Random, gender: 'male' | 'female'): string {
  const pool = gender === 'male' ? GIVEN_MALE : GIVEN_FEMALE;
  const given = random.chance(0.65) ? random.pick([...pool]) + random.pick([...pool]) : random.pick([...pool]);
  return random.pick(SURNAMES) + given;
}

// ---- enterprises ----------------------------------------------------------------------------

/** Characters enterprises like in their trade names (字号). */
const TRADE_FIRST = [...'鑫恒汇中华金瑞宏盛兴嘉润泰丰隆达通信德源广博宇天海新永长顺和宝正明诚安弘昌锦辉万晟祥富佳凯联力创星'];
const TRADE_SECOND = [...'达信通源盛兴华泰丰利诚安达宏远晟祥隆鑫成茂辉越美康泽润科瑞捷鸿峰川铭帆聚合禾嘉航骏德昇益诺洋'];

/** Business words (行业表述) and the legal-form choices per industry section. */
const INDUSTRY_WORDS: Record<string, readonly string[]> = {
  A: ['农业发展', '生态农业', '农业科技', '林业开发', '水产养殖', '茶业', '果蔬种植', '畜牧'],
  B: ['矿业', '石材开采', '矿产开发', '砂石'],
  C: ['机械制造', '电子', '精密模具', '新材料', '食品', '服装', '塑胶制品', '五金制品', '光电科技', '智能装备', '包装材料', '家具制造', '化工'],
  D: ['新能源', '电力工程', '燃气', '水务', '光伏科技'],
  E: ['建设工程', '建筑工程', '装饰工程', '市政工程', '钢结构工程', '机电安装工程'],
  F: ['贸易', '商贸', '进出口', '供应链', '实业', '医药销售', '建材', '电子商务'],
  G: ['物流', '运输', '供应链管理', '货运代理', '仓储', '冷链物流'],
  H: ['餐饮管理', '酒店管理', '食品配送', '茶餐厅管理'],
  I: ['网络科技', '信息技术', '软件', '数据科技', '智能科技', '互联网科技'],
  J: ['投资咨询', '融资服务', '金融信息服务'],
  K: ['物业管理', '房地产开发', '房地产经纪', '置业'],
  L: ['企业管理咨询', '人力资源', '广告', '会展服务', '商务咨询', '知识产权代理'],
  M: ['检测技术', '工程设计', '生物科技', '环境检测', '技术研发', '工业设计'],
  N: ['环保科技', '环境工程', '园林绿化', '水利工程'],
  O: ['家政服务', '汽车维修', '清洁服务', '美容美发'],
  P: ['教育科技', '职业培训', '文化培训'],
  Q: ['医疗管理', '健康管理', '康复医疗', '养老服务'],
  R: ['文化传媒', '影视文化', '体育发展', '文化旅游'],
  S: ['行业协会', '商会', '促进会'],
  T: ['国际交流中心', '国际合作促进中心'],
};

/** Sole proprietorships (个体工商户) name themselves after a shop, not a company. */
const SHOP_WORDS = ['商行', '便利店', '餐馆', '五金店', '汽车修理部', '服装店', '茶行'];

/** The legal form behind a credit code's first two characters (GB 32100-2015). */
export type EnterpriseForm = 'company' | 'sole-proprietor' | 'cooperative' | 'social-organisation';

/** The first two characters of the credit code: registration authority and organisation category. */
export const CREDIT_CODE_PREFIX: Record<EnterpriseForm, string> = {
  company: '91',
  'sole-proprietor': '92',
  cooperative: '93',
  'social-organisation': '51',
};

/** The legal form of an enterprise in an industry section (most are companies). */
export function enterpriseForm(random: Random, industry: string): EnterpriseForm {
  if (industry === 'S' || industry === 'T') return 'social-organisation';
  if (industry === 'A' && random.chance(0.35)) return 'cooperative';
  if ((industry === 'F' || industry === 'H' || industry === 'O') && random.chance(0.12)) return 'sole-proprietor';
  return 'company';
}

function tradeName(random: Random, long: boolean): string {
  const base = random.pick(TRADE_FIRST) + random.pick(TRADE_SECOND);
  return long ? base + random.pick(TRADE_SECOND) : base;
}

/**
 * An enterprise name in the district's city, e.g. 厦门鑫达网络科技有限公司, 鑫达（厦门）供应链管理有限公司,
 * 同安区恒丰茶业专业合作社. `long` asks for a three-character trade name (used after a collision).
 */
export function enterpriseName(
  random: Random,
  input: { industry: string; form: EnterpriseForm; province: Region; city: Region; district: Region; long: boolean },
): string {
  const trade = tradeName(random, input.long);
  const cityShort = shortRegionName(input.city.name === '省直辖县级行政区划' ? input.district.name : input.city.name);
  const districtShort = shortRegionName(input.district.name);
  const word = random.pick(INDUSTRY_WORDS[input.industry] ?? ['实业']);
  switch (input.form) {
    case 'sole-proprietor':
      return `${cityShort}市${districtShort}${trade}${random.pick(SHOP_WORDS)}`;
    case 'cooperative':
      return `${districtShort}${trade}${random.pick(['种植', '养殖', '果蔬', '茶叶'])}专业合作社`;
    case 'social-organisation':
      return input.industry === 'T' ? `${cityShort}${trade}${word}` : `${cityShort}市${word.startsWith('行业') ? trade : ''}${word}`;
    case 'company': {
      const shape = random.next();
      if (shape < 0.55) return `${cityShort}${trade}${word}有限公司`;
      if (shape < 0.7) return `${cityShort}市${trade}${word}有限公司`;
      if (shape < 0.8) return `${trade}（${cityShort}）${word}有限公司`;
      if (shape < 0.9) return `${shortRegionName(input.province.name)}${trade}${word}${random.chance(0.3) ? '股份' : ''}有限公司`;
      return `${cityShort}${trade}${word}有限责任公司`;
    }
  }
}

// ---- institutions ---------------------------------------------------------------------------

interface Brand {
  /** The legal entity (所属机构). */
  parent: string;
  /** How branch names start (中国工商银行 → 中国工商银行厦门分行). */
  stem: string;
  /** The short stem (工商银行) and the product brand (工银). */
  short: string;
  productBrand: string;
}

const NATIONAL_BANKS: readonly Brand[] = [
  { parent: '中国工商银行股份有限公司', stem: '中国工商银行', short: '工商银行', productBrand: '工银' },
  { parent: '中国农业银行股份有限公司', stem: '中国农业银行', short: '农业银行', productBrand: '农银' },
  { parent: '中国银行股份有限公司', stem: '中国银行', short: '中国银行', productBrand: '中银' },
  { parent: '中国建设银行股份有限公司', stem: '中国建设银行', short: '建设银行', productBrand: '建行' },
  { parent: '交通银行股份有限公司', stem: '交通银行', short: '交通银行', productBrand: '交银' },
  { parent: '中国邮政储蓄银行股份有限公司', stem: '中国邮政储蓄银行', short: '邮储银行', productBrand: '邮储' },
  { parent: '招商银行股份有限公司', stem: '招商银行', short: '招商银行', productBrand: '招行' },
  { parent: '兴业银行股份有限公司', stem: '兴业银行', short: '兴业银行', productBrand: '兴业' },
  { parent: '中信银行股份有限公司', stem: '中信银行', short: '中信银行', productBrand: '中信' },
  { parent: '上海浦东发展银行股份有限公司', stem: '上海浦东发展银行', short: '浦发银行', productBrand: '浦发' },
  { parent: '中国民生银行股份有限公司', stem: '中国民生银行', short: '民生银行', productBrand: '民生' },
  { parent: '中国光大银行股份有限公司', stem: '中国光大银行', short: '光大银行', productBrand: '光大' },
  { parent: '平安银行股份有限公司', stem: '平安银行', short: '平安银行', productBrand: '平安' },
  { parent: '华夏银行股份有限公司', stem: '华夏银行', short: '华夏银行', productBrand: '华夏' },
  { parent: '广发银行股份有限公司', stem: '广发银行', short: '广发银行', productBrand: '广发' },
  { parent: '浙商银行股份有限公司', stem: '浙商银行', short: '浙商银行', productBrand: '浙商' },
  { parent: '渤海银行股份有限公司', stem: '渤海银行', short: '渤海银行', productBrand: '渤海' },
  { parent: '恒丰银行股份有限公司', stem: '恒丰银行', short: '恒丰银行', productBrand: '恒丰' },
];

const INSURERS: readonly Brand[] = [
  { parent: '中国人民财产保险股份有限公司', stem: '中国人民财产保险股份有限公司', short: '人保财险', productBrand: '人保' },
  { parent: '中国平安财产保险股份有限公司', stem: '中国平安财产保险股份有限公司', short: '平安产险', productBrand: '平安' },
  { parent: '中国太平洋财产保险股份有限公司', stem: '中国太平洋财产保险股份有限公司', short: '太平洋产险', productBrand: '太保' },
  { parent: '中国人寿财产保险股份有限公司', stem: '中国人寿财产保险股份有限公司', short: '国寿财险', productBrand: '国寿' },
  { parent: '中华联合财产保险股份有限公司', stem: '中华联合财产保险股份有限公司', short: '中华财险', productBrand: '中华' },
  { parent: '阳光财产保险股份有限公司', stem: '阳光财产保险股份有限公司', short: '阳光产险', productBrand: '阳光' },
  { parent: '中国大地财产保险股份有限公司', stem: '中国大地财产保险股份有限公司', short: '大地保险', productBrand: '大地' },
];

const ASSET_MANAGERS: readonly Brand[] = [
  { parent: '中国华融资产管理股份有限公司', stem: '中国华融资产管理股份有限公司', short: '华融资产', productBrand: '华融' },
  { parent: '中国长城资产管理股份有限公司', stem: '中国长城资产管理股份有限公司', short: '长城资产', productBrand: '长城' },
  { parent: '中国东方资产管理股份有限公司', stem: '中国东方资产管理股份有限公司', short: '东方资产', productBrand: '东方' },
  { parent: '中国信达资产管理股份有限公司', stem: '中国信达资产管理股份有限公司', short: '信达资产', productBrand: '信达' },
];

const CONSUMER_FINANCE: readonly Brand[] = [
  { parent: '招联消费金融股份有限公司', stem: '招联消费金融股份有限公司', short: '招联消金', productBrand: '招联' },
  { parent: '马上消费金融股份有限公司', stem: '马上消费金融股份有限公司', short: '马上消金', productBrand: '马上' },
  { parent: '兴业消费金融股份公司', stem: '兴业消费金融股份公司', short: '兴业消金', productBrand: '兴业' },
  { parent: '中银消费金融有限公司', stem: '中银消费金融有限公司', short: '中银消金', productBrand: '中银' },
  { parent: '中邮消费金融有限公司', stem: '中邮消费金融有限公司', short: '中邮消金', productBrand: '中邮' },
  { parent: '杭银消费金融股份有限公司', stem: '杭银消费金融股份有限公司', short: '杭银消金', productBrand: '杭银' },
];

const STREETS = [
  '中山路', '人民路', '解放路', '建设路', '胜利路', '新华路', '和平路', '滨海大道', '湖滨南路', '东风路', '长江路', '黄河路',
  '文化路', '科技路', '高新大道', '金融街', '世纪大道', '朝阳路', '光明路', '环城路', '迎宾大道', '府前路', '五一路', '工业路',
];

const INTROS: Record<InstitutionTypeCode, readonly string[]> = {
  bank: ['为辖区中小微企业提供信用贷款、抵押贷款、供应链融资等综合金融服务。', '坚持服务实体经济，持续加大普惠小微贷款投放，推出线上化信用贷款产品。'],
  guarantee: ['政策性融资担保机构，为中小微企业和“三农”主体提供融资担保服务，降低担保费率。', '专注中小企业融资担保，与多家银行开展批量担保业务合作。'],
  insurance: ['提供小额贷款保证保险、科技保险等产品，助力中小企业增信融资。'],
  microloan: ['经地方金融监督管理部门批准设立，面向小微企业和个体工商户提供小额、分散的贷款服务。'],
  'financial-leasing': ['为制造业、医疗、新能源等领域中小企业提供设备直租、售后回租等融资租赁服务。'],
  factoring: ['依托核心企业信用，为上下游中小企业提供应收账款保理融资服务。'],
  'venture-capital': ['聚焦科技创新型中小企业，开展股权投资与投贷联动业务。'],
  other: ['为中小企业提供融资对接、信用修复、政策咨询等综合服务。'],
  'consumer-finance': ['为小微企业主和个体工商户提供经营性消费信贷服务。'],
  'asset-management': ['开展不良资产收购处置、债务重组与纾困业务，支持企业盘活存量资产。'],
  trust: ['发挥信托制度优势，为地方企业提供供应链金融与财产权信托服务。'],
};

/** What the generator needs to name an institution. */
export interface InstitutionNameInput {
  type: InstitutionTypeCode;
  province: Region;
  city: Region;
  district: Region;
  /** Whether this is the first institution of its brand in the city (a 分行 rather than a 支行). */
  isFirstOfBrandInCity: (brandStem: string) => boolean;
}

/** The names of one institution and the brand its products carry. */
export interface InstitutionNames {
  fullName: string;
  shortName: string;
  parentName?: string;
  productBrand: string;
  address: string;
  intro: string;
}

/** The city name used in institution names (a county-level city under a grouping uses its own name). */
function institutionCityName(city: Region, district: Region): string {
  return shortRegionName(city.name === '省直辖县级行政区划' ? district.name : city.name);
}

/**
 * Names an institution, e.g. 中国工商银行厦门分行 (简称 工商银行厦门分行, 所属 中国工商银行股份有限公司),
 * 厦门市鑫达融资担保有限公司. Uniqueness inside the city is the caller's job (it retries).
 */
export function institutionNames(random: Random, input: InstitutionNameInput, attempt: number): InstitutionNames {
  const cityShort = institutionCityName(input.city, input.district);
  const districtShort = shortRegionName(input.district.name);
  const provinceShort = shortRegionName(input.province.name);
  const trade = tradeName(random, attempt > 2);
  const address = `${input.district.name}${random.pick(STREETS)}${random.int(1, 888)}号`;
  const intro = random.pick(INTROS[input.type]);
  const branch = (brand: Brand, unit: '分行' | '分公司') => {
    const first = attempt === 0 && input.isFirstOfBrandInCity(brand.stem);
    const place = first ? cityShort : `${cityShort}${attempt > 1 ? random.pick(STREETS).replace(/(路|大道|街)$/, '') : districtShort}`;
    const suffix = first ? unit : unit === '分行' ? '支行' : '营业部';
    return {
      fullName: `${brand.stem}${place}${suffix}`,
      shortName: `${brand.short}${place}${suffix}`,
      parentName: brand.parent.replace(/股份有限公司$|有限公司$/, ''),
      productBrand: brand.productBrand,
      address,
      intro,
    };
  };
  switch (input.type) {
    case 'bank': {
      const shape = random.next();
      if (shape < 0.72) return branch(random.pick(NATIONAL_BANKS), '分行');
      if (shape < 0.86) {
        return {
          fullName: `${cityShort}农村商业银行股份有限公司${attempt > 0 ? `${districtShort}支行` : ''}`,
          shortName: `${cityShort}农商银行${attempt > 0 ? `${districtShort}支行` : ''}`,
          ...(attempt > 0 ? { parentName: `${cityShort}农村商业银行` } : {}),
          productBrand: `${cityShort}农商`,
          address,
          intro,
        };
      }
      if (shape < 0.94) {
        return {
          fullName: `${cityShort}银行股份有限公司${attempt > 0 ? `${districtShort}支行` : ''}`,
          shortName: `${cityShort}银行${attempt > 0 ? `${districtShort}支行` : ''}`,
          ...(attempt > 0 ? { parentName: `${cityShort}银行` } : {}),
          productBrand: cityShort,
          address,
          intro,
        };
      }
      return {
        fullName: `${districtShort}${trade}村镇银行股份有限公司`,
        shortName: `${districtShort}${trade}村镇银行`,
        productBrand: trade,
        address,
        intro,
      };
    }
    case 'insurance':
      return branch(random.pick(INSURERS), '分公司');
    case 'asset-management':
      if (random.chance(0.6)) return branch(random.pick(ASSET_MANAGERS), '分公司');
      return simple(`${provinceShort}${trade}资产管理有限公司`, `${trade}资产`, trade, address, intro);
    case 'consumer-finance':
      return branch(random.pick(CONSUMER_FINANCE), '分公司');
    case 'guarantee':
      if (attempt === 0 && random.chance(0.25)) {
        return simple(`${cityShort}市中小企业融资担保有限公司`, `${cityShort}中小担保`, `${cityShort}担保`, address, intro);
      }
      return simple(`${cityShort}市${trade}融资担保有限公司`, `${trade}担保`, trade, address, intro);
    case 'microloan':
      return simple(`${cityShort}市${districtShort}${trade}小额贷款有限公司`, `${trade}小贷`, trade, address, intro);
    case 'financial-leasing':
      return simple(`${cityShort}${trade}融资租赁有限公司`, `${trade}租赁`, trade, address, intro);
    case 'factoring':
      return simple(`${cityShort}${trade}商业保理有限公司`, `${trade}保理`, trade, address, intro);
    case 'venture-capital':
      return random.chance(0.5)
        ? simple(`${cityShort}${trade}创业投资有限公司`, `${trade}创投`, trade, address, intro)
        : simple(`${cityShort}市${trade}股权投资基金管理有限公司`, `${trade}资本`, trade, address, intro);
    case 'trust':
      return attempt === 0 && random.chance(0.4)
        ? simple(`${cityShort}国际信托有限公司`, `${cityShort}信托`, `${cityShort}信托`, address, intro)
        : simple(`${trade}信托有限责任公司`, `${trade}信托`, trade, address, intro);
    case 'other':
      return attempt === 0 && random.chance(0.4)
        ? simple(`${cityShort}市中小企业融资服务中心`, `${cityShort}融资服务中心`, cityShort, address, intro)
        : simple(`${cityShort}${trade}金融服务有限公司`, `${trade}金服`, trade, address, intro);
  }
}

function simple(fullName: string, shortName: string, productBrand: string, address: string, intro: string): InstitutionNames {
  return { fullName, shortName, productBrand, address, intro };
}

// ---- specialists ----------------------------------------------------------------------------

const DEPARTMENTS: Record<string, readonly string[]> = {
  bank: ['普惠金融事业部', '公司金融部', '小企业金融服务中心', '个人金融部'],
  default: ['业务部', '市场拓展部', '风险管理部', '客户服务部'],
};
const POSITIONS = ['客户经理', '专管员', '业务主管', '产品经理', '风控专员', '部门经理'];

/** A specialist's department and position. */
export function specialistJob(random: Random, type: InstitutionTypeCode): { department: string; position: string } {
  return { department: random.pick(DEPARTMENTS[type] ?? DEPARTMENTS.default!), position: random.pick(POSITIONS) };
}

// ---- products -------------------------------------------------------------------------------

const PRODUCT_WORDS: Record<InstitutionTypeCode, readonly string[]> = {
  bank: ['经营快贷', '税易贷', '科技贷', '信用贷', '抵押贷', 'e抵快贷', '供应链融资', '订单贷', '知识产权质押贷', '普惠e贷', '创业担保贷款', '乡村振兴贷', '专精特新贷', '政采贷', '信易贷'],
  guarantee: ['批量担保', '科技担保', '信易担', '政银担', '助企担保', '应急转贷担保'],
  insurance: ['小额贷款保证保险', '科技保险贷', '履约保证保险', '贷款保证险'],
  microloan: ['小微快贷', '周转贷', '商户贷', '农户贷', '经营贷'],
  'financial-leasing': ['设备直租', '售后回租', '医疗设备租赁', '新能源设备租赁'],
  factoring: ['应收账款保理', '反向保理', '订单保理'],
  'venture-capital': ['投贷联动', '种子基金', '天使投资计划'],
  other: ['融资对接服务', '信用修复服务', '转贷服务'],
  'consumer-finance': ['经营分期', '商户贷', '小微e贷'],
  'asset-management': ['纾困重组', '债务重组服务', '资产盘活'],
  trust: ['供应链信托', '财产权信托', '普惠信托贷'],
};

/** A product name for an institution's brand, e.g. 工银经营快贷; `index` varies repeated names. */
export function productName(random: Random, type: InstitutionTypeCode, brand: string, used: Set<string>): string {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const name = `${brand}${random.pick(PRODUCT_WORDS[type])}`;
    if (!used.has(name)) return name;
  }
  const base = `${brand}${random.pick(PRODUCT_WORDS[type])}`;
  let version = 2;
  while (used.has(`${base}${version}号`)) version += 1;
  return `${base}${version}号`;
}

// ---- reasons --------------------------------------------------------------------------------

/** Why an accepted order was rejected. */
export const REJECTION_REASONS = ['企业资质不符合准入条件', '抵押物价值不足', '企业征信存在不良记录', '经营流水不足以覆盖还款', '担保条件未落实', '企业负债率偏高'];
/** Why an order was withdrawn. */
export const WITHDRAWAL_REASONS = ['企业已通过其他渠道获得融资', '企业融资需求变更', '企业主动撤回', '利率或期限未达成一致'];
/** Why a loan went bad. */
export const DEFAULT_REASONS = ['贷款逾期超过 90 天', '企业经营困难，无法按期还款', '企业停业，贷款转为不良'];
