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
 * none). It also keeps batches written side by side correct: what a batch still being written created is
 * invisible to the next one, so a batch that meets someone or something new waits for the batch before it
 * to commit before looking them up, instead of creating the same customer twice or missing a product's id.
 * Entries are exact: the same customer facts resolve, and enrich the customer, the same way every time.
 */
export class ImportLinks {
  private readonly customers = new Map<string, CustomerLink | null>();
  private readonly customerRows = new Map<string, CustomerLink>();
  private readonly catalogue = new Map<string, CatalogueLink>();

  customer(facts: CustomerFacts): CustomerLink | null | undefined {
    return this.customers.get(customerKey(facts));
  }

  rememberCustomer(facts: CustomerFacts, row: CustomerLink | null) {
    let link: CustomerLink | null = null;
    if (row) {
      // One object per customer, so a locale learnt from a later order reaches every entry.
      link = this.customerRows.get(row.id) ?? { id: row.id, locale: row.locale };
      link.locale = row.locale;
      this.customerRows.set(row.id, link);
    }
    this.customers.set(customerKey(facts), link);
  }

  product(line: LineData): CatalogueLink | undefined {
    if (!line.productExternalId) return { productId: null, variantId: null };
    return this.catalogue.get(catalogueKey(line));
  }

  rememberProduct(line: LineData, link: CatalogueLink) {
    this.catalogue.set(catalogueKey(line), link);
  }

  /** After a failed batch: what it created was rolled back. */
  clear() {
    this.customers.clear();
    this.customerRows.clear();
    this.catalogue.clear();
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
