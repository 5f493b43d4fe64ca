/** The columns of 机构数据统计 with their headers (docs/console.md, "机构数据统计"). */
import type { InstitutionColumn } from '../../api/stats';

export interface InstitutionColumnDef {
  name: InstitutionColumn;
  header: string;
  /** Ranking table's value header (数量 or 金额). */
  valueHeader: '数量' | '金额';
  money: boolean;
}

export const INSTITUTION_COLUMNS: readonly InstitutionColumnDef[] = [
  { name: 'productCount', header: '金融产品数(个)', valueHeader: '数量', money: false },
  { name: 'acceptedCount', header: '累计受理数(笔)', valueHeader: '数量', money: false },
  { name: 'acceptedAmount', header: '累计受理金额(万元)', valueHeader: '金额', money: true },
  { name: 'loanCount', header: '成功放款(笔)', valueHeader: '数量', money: false },
  { name: 'loanAmount', header: '放款金额(万元)', valueHeader: '金额', money: true },
  { name: 'dockingCount', header: '正在受理量(笔)', valueHeader: '数量', money: false },
  { name: 'dockingAmount', header: '正在受理金额(万元)', valueHeader: '金额', money: true },
];
