/** The domain event log and the jobs events cause. */
export { appendEvent, appendEvents } from './append-event.ts';
export { type EventRow, findEvent, listEvents } from './repo.ts';
export { eventRoutes } from './routes.ts';
export { subscribersOf } from './subscriptions.ts';
export { EVENT_TYPES, type EventType, type NewEvent } from './types.ts';
