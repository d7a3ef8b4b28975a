import type { Client } from "pg"

/** One node of Postgres's JSON query plan. */
export interface PlanNode {
  "Node Type": string
  "Index Name"?: string
  "Relation Name"?: string
  Plans?: PlanNode[]
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)]
}

/** Every node of the plan Postgres would run `sql` with (`EXPLAIN (FORMAT JSON)`), the root first. */
export async function planNodes(client: Client, sql: string, params: unknown[]): Promise<PlanNode[]> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)
  return nodes((rows[0]["QUERY PLAN"] as Array<{ Plan: PlanNode }>)[0].Plan)
}
