/** Shipments: parcels, their carrier and tracking number, the lines in them and their canonical status. */
export { findShipment, listShipmentLines, listShipmentsOfOrders, type ShipmentRow } from './repo.ts';
export { shipmentRoutes } from './routes.ts';
export type { ShipmentView } from './schemas.ts';
export { SHIPMENT_STATUSES, type ShipmentStatus, shipmentLifecycle } from './status.ts';
export { type ShipmentData, type UpsertShipmentResult, upsertShipment } from './upsert-shipment.ts';
export { toShipmentView } from './view.ts';
