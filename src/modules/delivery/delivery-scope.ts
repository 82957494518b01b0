// The optional service scope of the delivery functions the console and the services' own space
// share (issues #11 and #12): an operator passes none; a service's agent passes its service, and a
// delivery of another service is refused before anything of it is returned or changed.
import { AppError } from "@/modules/errors/app-error";

export type DeliveryScope = {
  deliveryId: number;
  /** When set, only deliveries to this service are reachable. */
  serviceId?: string;
};

/** Throws AppError `forbidden` when `scope` names a service other than the delivery's receiver. */
export function checkDeliveryScope(scope: DeliveryScope, receiverServiceId: string): void {
  if (scope.serviceId !== undefined && scope.serviceId !== receiverServiceId) {
    throw new AppError("forbidden", "Cette livraison est adressée à un autre service.");
  }
}
