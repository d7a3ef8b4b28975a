import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm"

/** Which store events alert one admin, on all their devices. */
@Entity({ name: "push_admin_preference" })
export class PushAdminPreference {
  @PrimaryColumn({ type: "varchar" })
  user_id: string

  @Column({ type: "text", array: true, default: () => "'{}'" })
  events: string[]

  @CreateDateColumn({ type: "timestamptz" })
  created_at: Date

  @UpdateDateColumn({ type: "timestamptz" })
  updated_at: Date
}
