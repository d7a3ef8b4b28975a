/** What the delivery engine's SQL needs of the database: one statement at a time (typeorm's `EntityManager` fits). */
export interface Db {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>
}
