import type { Logger as TypeOrmLogger } from 'typeorm';
import { REVOCATION_POLL } from '../../src/modules/auth/access-revocations';

/** A TypeORM logger that records every SQL statement the app sends, for N+1 checks. */
export class SqlCounter implements TypeOrmLogger {
  statements: string[] = [];
  /** The parameters of each statement, by the same index (for EXPLAIN in plan checks). */
  parameters: (unknown[] | undefined)[] = [];

  logQuery(query: string, parameters?: unknown[]): void {
    this.statements.push(query);
    this.parameters.push(parameters);
  }

  /**
   * Statements sent while `work` runs: transactions' BEGIN/COMMIT, and the access-revocation
   * poll every API process runs on its own timer, are excluded.
   */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    const start = this.statements.length;
    await work();
    return this.statements
      .slice(start)
      .filter((q) => !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q) && !q.startsWith(REVOCATION_POLL));
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
