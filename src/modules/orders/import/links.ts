import type { CustomerFacts } from '../../customers/index.ts';
import type { LineData } from '../types.ts';

export interface CustomerLink {
  id: string;
  locale: string | null;
}

export interface CatalogueLink {
  productId: string | null;
  variantId: string | null;
}

/**
 * The customers and catalogue entries that earlier batches of one import resolved, so that a batch asks
 * the database only about people and products it has not met yet (most batches of a long history meet
 * none). Entries are exact: the same customer facts resolve, and enrich the customer, the same way every
 * time.
 *
 * Two batches are written side by side, and what one creates is invisible to the other until it commits.
 * So each batch works on its own stage: it reads what committed batches resolved plus what it resolved
 * itself, and its own entries join the shared ones only once it has committed (commit(), called in file
 * order). A batch that meets someone the batch before it is still creating finds nothing here, waits for
 * that batch to commit, and then finds them in the database, instead of creating them twice or pointing
 * at a row it cannot see yet.
 */
export class ImportLinks {
  private readonly customers = new Map<string, CustomerLink | null>();
  /** One object per customer, so a locale learnt from a later order reaches every entry. */
  private readonly customerRows = new Map<string, CustomerLink>();
  private readonly catalogue = new Map<string, CatalogueLink>();

  stage(): BatchLinks {
    return new BatchLinks(this.customers, this.catalogue);
  }

  /** The batch committed: what it resolved is now visible to every later batch. */
  commit(batch: BatchLinks) {
    for (const [key, link] of batch.newCustomers) {
      if (!link) {
        this.customers.set(key, null);
        continue;
      }
      const known = this.customerRows.get(link.id);
      if (known) known.locale = link.locale;
      else this.customerRows.set(link.id, link);
      this.customers.set(key, known ?? link);
    }
    for (const [key, link] of batch.newCatalogue) this.catalogue.set(key, link);
  }

  /** After a failed batch: what it created was rolled back. */
  clear() {
    this.customers.clear();
    this.customerRows.clear();
    this.catalogue.clear();
  }
}

/** One batch's view of the links: the committed ones, and its own until it commits. */
export class BatchLinks {
  readonly newCustomers = new Map<string, CustomerLink | null>();
  readonly newCatalogue = new Map<string, CatalogueLink>();

  constructor(
    private readonly committedCustomers: ReadonlyMap<string, CustomerLink | null>,
    private readonly committedCatalogue: ReadonlyMap<string, CatalogueLink>,
  ) {}

  customer(facts: CustomerFacts): CustomerLink | null | undefined {
    const key = customerKey(facts);
    return this.newCustomers.has(key) ? this.newCustomers.get(key) : this.committedCustomers.get(key);
  }

  rememberCustomer(facts: CustomerFacts, row: CustomerLink | null) {
    this.newCustomers.set(customerKey(facts), row ? { id: row.id, locale: row.locale } : null);
  }

  product(line: LineData): CatalogueLink | undefined {
    if (!line.productExternalId) return { productId: null, variantId: null };
    const key = catalogueKey(line);
    return this.newCatalogue.get(key) ?? this.committedCatalogue.get(key);
  }

  rememberProduct(line: LineData, link: CatalogueLink) {
    this.newCatalogue.set(catalogueKey(line), link);
  }
}

function customerKey(f: CustomerFacts): string {
  return JSON.stringify([
    f.externalId,
    f.email,
    f.phone,
    f.firstName,
    f.lastName,
    f.locale,
    f.acceptsMarketing,
  ]);
}

function catalogueKey(l: LineData): string {
  return `${l.productExternalId}\u0000${l.variantExternalId ?? ''}`;
}
