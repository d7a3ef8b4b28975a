import { EventBusService, TransactionBaseService } from "@medusajs/medusa"
import { NotFoundError } from "../core/errors/api-errors"
import type { EntityManager } from "typeorm"
import { ContactMessage } from "../models/contact-message"

export interface ContactMessageInput {
  readonly name: string
  readonly email: string
  readonly subject?: string
  readonly message: string
}

type Dependencies = { manager: EntityManager; eventBusService: EventBusService }

/** The event admins are alerted by. */
export const CONTACT_MESSAGE_CREATED = "contact_message.created"

/** What storefront visitors write through the contact form. */
export default class ContactMessageService extends TransactionBaseService {
  static readonly Events = { CREATED: CONTACT_MESSAGE_CREATED }

  private readonly eventBus_: EventBusService

  constructor(container: Dependencies) {
    super(container)
    this.eventBus_ = container.eventBusService
  }

  /** Stores the message and, in the same transaction, stages `contact_message.created`. */
  async create(input: ContactMessageInput, customerId: string | null): Promise<ContactMessage> {
    return this.atomicPhase_(async (manager) => {
      const repo = manager.getRepository(ContactMessage)
      const saved = await repo.save(
        repo.create({
          name: input.name,
          email: input.email,
          subject: input.subject ?? null,
          message: input.message,
          customer_id: customerId,
          read_at: null,
        })
      )
      await this.eventBus_.withTransaction(manager).emit(CONTACT_MESSAGE_CREATED, { id: saved.id })
      return saved
    })
  }

  async retrieve(id: string): Promise<ContactMessage> {
    const found = await this.activeManager_.getRepository(ContactMessage).findOne({ where: { id } })
    if (!found) throw new NotFoundError(`Contact message ${id} was not found`)
    return found
  }

  async list(page: { limit: number; offset: number }, filter: { unread?: boolean } = {}): Promise<[ContactMessage[], number]> {
    const query = this.activeManager_
      .getRepository(ContactMessage)
      .createQueryBuilder("m")
      .orderBy("m.created_at", "DESC")
      .addOrderBy("m.id", "DESC")
      .take(page.limit)
      .skip(page.offset)
    if (filter.unread) query.where("m.read_at IS NULL")
    return query.getManyAndCount()
  }

  async markRead(id: string, read: boolean): Promise<ContactMessage> {
    const repo = this.activeManager_.getRepository(ContactMessage)
    const message = await this.retrieve(id)
    message.read_at = read ? (message.read_at ?? new Date()) : null
    return repo.save(message)
  }
}
