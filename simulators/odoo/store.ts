import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';

// The simulator's whole database: plain JSON so a snapshot is a string and a state file is that string.

export interface Rec {
  id: number;
  [field: string]: unknown;
}

export interface StoreData {
  tables: Record<string, Record<string, Rec>>;
  nextId: Record<string, number>;
  sequences: Record<string, number>;
}

const StoreFile = z.object({
  tables: z.record(z.string(), z.record(z.string(), z.object({ id: z.number().int() }).passthrough())),
  nextId: z.record(z.string(), z.number().int()),
  sequences: z.record(z.string(), z.number().int()),
});

export class Store {
  private data: StoreData = { tables: {}, nextId: {}, sequences: {} };

  table(model: string): Record<string, Rec> {
    return (this.data.tables[model] ??= {});
  }

  all(model: string): Rec[] {
    return Object.values(this.table(model)).sort((a, b) => a.id - b.id);
  }

  get(model: string, id: number): Rec | undefined {
    return this.table(model)[String(id)];
  }

  insert(model: string, values: Omit<Rec, 'id'>): Rec {
    const id = (this.data.nextId[model] ?? 1);
    this.data.nextId[model] = id + 1;
    const rec: Rec = { ...values, id };
    this.table(model)[String(id)] = rec;
    return rec;
  }

  remove(model: string, id: number): void {
    delete this.table(model)[String(id)];
  }

  /** Next number of a named sequence (S00001, WH/OUT/00001, ...). */
  nextSequence(name: string): number {
    const n = (this.data.sequences[name] ?? 0) + 1;
    this.data.sequences[name] = n;
    return n;
  }

  snapshot(): string {
    return JSON.stringify(this.data);
  }

  restore(snapshot: string): void {
    this.data = StoreFile.parse(JSON.parse(snapshot)) as StoreData;
  }

  async saveTo(file: string): Promise<void> {
    await writeFile(file, this.snapshot(), 'utf8');
  }

  async loadFrom(file: string): Promise<void> {
    this.restore(await readFile(file, 'utf8'));
  }
}
