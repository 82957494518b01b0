// Registers the stand-in's fixture operators; `agent@exemple.gouv.fr` stays unregistered.
import { communs } from "./support/hub-cli";

export default async function globalSetup() {
  communs("operator:add", "--email", "admin@anct.gouv.fr", "--role", "admin");
  communs("operator:add", "--email", "lecteur@anct.gouv.fr", "--role", "lecteur");
}
