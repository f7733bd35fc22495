// GET /api/orders/<numeric id>/returns: what the order can return, read by the menu item (to
// enable itself) and by the modal (the form). `orderId` is the target's Order gid.
import type { ReturnOptionsView } from "../../../app/shopper/views.ts";
import { callApi, type ApiContext } from "../../shared/api.ts";
import { numericId } from "../../shared/format.ts";

export function loadReturnOptions(api: ApiContext, orderId: string): Promise<ReturnOptionsView> {
  return callApi<ReturnOptionsView>(api, `/api/orders/${encodeURIComponent(numericId(orderId))}/returns`);
}
