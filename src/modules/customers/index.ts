/** Customers: one person per merchant across every channel they buy through. */
export { customerTasks } from './jobs.ts';
export { type CustomerRow, findCustomer, refreshCustomerStats } from './repo.ts';
export { type CustomerFacts, resolveCustomer } from './resolve-customer.ts';
export { customerRoutes } from './routes.ts';
export type { CustomerView } from './schemas.ts';
export { toCustomerView } from './view.ts';
