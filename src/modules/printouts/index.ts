/** Printouts: packing slip and invoice, exchange instructions, "packed by" card and return label, as PDFs. */
export {
  type LoadPrintoutsInput,
  loadPackingSlip,
  loadPackingSlips,
  merchantBrand,
  toPrintAddress,
} from './load-packing-slip.ts';
export {
  renderExchangeInstructions,
  renderOrderPrintouts,
  renderPackedByCard,
  renderPackingSlip,
} from './render.ts';
export { renderReturnLabel } from './return-label.ts';
export { PICK_LIST_MAX_ORDERS, printoutRoutes } from './routes.ts';
export {
  imageFromDataUrl,
  type PrintoutSettings,
  printoutSettings,
  printoutSettingsSchema,
} from './settings.ts';
export type * from './views.ts';
