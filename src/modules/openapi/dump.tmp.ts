import { writeFileSync } from "node:fs";
import { buildOpenApiDocument } from "./build-openapi-document";
writeFileSync("/tmp/oa/doc.json", JSON.stringify(buildOpenApiDocument(), null, 2));
