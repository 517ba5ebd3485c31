/** Customers: one person per merchant across every channel they buy through. */
export { customerTasks } from './jobs.ts';
export { type CustomerRow, countNewOrders, findCustomer, refreshCustomerStats } from './repo.ts';
export { resolveCustomer } from './resolve-customer.ts';
export { type CustomerFacts, type Resolved, resolveCustomers } from './resolve-customers.ts';
export { customerRoutes } from './routes.ts';
export type { CustomerView } from './schemas.ts';
export { toCustomerView } from './view.ts';
