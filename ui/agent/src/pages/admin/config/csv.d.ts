// Types of csv.js (kept in JavaScript so that node tests import it as it is).
export interface CsvRecord {
  row: number; // 1 = the header
  line: number; // the line of the file the record starts on
  fields: string[];
}
export type Column = 'name' | 'email' | 'organization' | 'tags' | 'external_id';
export interface CsvUser {
  row: number;
  email: string;
  user: Record<string, unknown>;
}
export interface CsvProblem {
  row: number;
  email: string;
  error: string; // 'NoNameNorEmail' here; the API's error otherwise
}
export function parseCsv(text: string): CsvRecord[];
export function mapColumns(header: string[]): Partial<Record<Column, number>>;
export function usersFromCsv(text: string): {
  columns: Partial<Record<Column, number>>;
  users: CsvUser[];
  problems: CsvProblem[];
  missing: Column[];
};
export function batches<T>(list: T[], size?: number): T[][];
