import type { OrderData } from '../types.ts';

/** One order read from an import file, with the file rows it came from (for the rejection report). */
export interface ImportOrder {
  data: OrderData;
  status: 'placed' | 'shipped' | 'delivered' | 'cancelled';
  rows: number[];
}

export interface RejectedRow {
  row: number;
  reason: string;
  raw: string;
}

/** Reads rows and groups them into orders; rejected rows are reported, never silently dropped. */
export interface OrderRowReader {
  /** Feed one parsed row (1-based file row number). Returns orders completed by this row. */
  push(row: Record<string, string> | string, rowNumber: number): ImportOrder[];
  /** Orders still open at the end of the file. */
  flush(): ImportOrder[];
  /** The first row of the order still being read (not yet returned), or null. */
  pendingFrom(): number | null;
  rejected: RejectedRow[];
}
