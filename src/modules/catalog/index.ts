/** Catalogue: products and variants (size, colour, brand, category, tags, images, care tips). */
export {
  ensureProducts,
  ensureVariants,
  findProduct,
  listVariants,
  type ProductRow,
  type VariantRow,
} from './repo.ts';
export { catalogRoutes } from './routes.ts';
export type { ProductInput, ProductView } from './schemas.ts';
export { toProductView, upsertProduct } from './upsert-product.ts';
