/** The columns of 机构数据统计 with their headers (docs/console.md, "机构数据统计"). */
import type { InstitutionColumn } from '../../api/stats';

export interface InstitutionColumnDef {
  name: InstitutionColumn;
  header: string;
  /** Ranking table's value header (数量 or 金额). */
  valueHeader: '数量' | '金额';
  money: boolean;
  /** What the column counts in a chosen period. */
  hint: string;
}

export const INSTITUTION_COLUMNS: readonly InstitutionColumnDef[] = [
  { name: 'productCount', header: '金融产品数(个)', valueHeader: '数量', money: false, hint: '期间内发布且仍上架的产品' },
  { name: 'acceptedCount', header: '累计受理数(笔)', valueHeader: '数量', money: false, hint: '期间内受理的订单' },
  { name: 'acceptedAmount', header: '累计受理金额(万元)', valueHeader: '金额', money: true, hint: '期间内受理订单的需求金额' },
  { name: 'loanCount', header: '成功放款(笔)', valueHeader: '数量', money: false, hint: '期间内放款的订单' },
  { name: 'loanAmount', header: '放款金额(万元)', valueHeader: '金额', money: true, hint: '期间内的放款金额' },
  { name: 'dockingCount', header: '正在受理量(笔)', valueHeader: '数量', money: false, hint: '期间内受理、目前仍在受理的订单' },
  { name: 'dockingAmount', header: '正在受理金额(万元)', valueHeader: '金额', money: true, hint: '期间内受理、目前仍在受理订单的需求金额' },
];
