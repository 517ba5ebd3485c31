/** The delivery promise: business-day calendars, learned transit times per lane, the promise and its outcome. */
export {
  addBusinessDays,
  type BusinessCalendar,
  businessDaysBetween,
  calendarFor,
  type IsoDate,
  isKnownCountry,
  nextBusinessDay,
  type Weekday,
} from './calendar.ts';
export {
  DEFAULT_POLICY,
  type DeliveryEstimate,
  type EstimateInput,
  estimateDelivery,
  type PromisePolicy,
  type ReestimateInput,
  reestimate,
} from './estimate.ts';
export { carrierSlug, laneFor, type Place, parseLane } from './lane.ts';
export { type DeliveryPromise, type PromiseRequest, promiseDelivery } from './promise-for.ts';
export {
  type DeliveryOutcome,
  recordDeliveryOutcome,
  recordDeliveryOutcomes,
} from './record-delivery-outcome.ts';
export { reestimateShipments } from './reestimate-shipments.ts';
export { promiseRoutes } from './routes.ts';
export { carrierDeliveryDays, type TransitRule, transitRule } from './rules.ts';
export { type ShippingSettings, shippingSettings, shippingSettingsSchema } from './settings.ts';
