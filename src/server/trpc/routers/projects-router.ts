import { router, operatorProcedure } from "../init";
import { projectIdInput, searchProjectsInput } from "@/modules/console/console-schemas";
import { searchProjects } from "@/modules/console/search-projects";
import { getProjectDetail } from "@/modules/console/get-project-detail";
import { listFilterChoices } from "@/modules/console/list-filter-choices";

export const projectsRouter = router({
  search: operatorProcedure.input(searchProjectsInput).query(({ ctx, input }) => searchProjects(ctx.db, input)),
  get: operatorProcedure.input(projectIdInput).query(({ ctx, input }) => getProjectDetail(ctx.db, input.projectId)),
  /** Services, generic statuses and operators offered by the projects' and audit log's filters. */
  filterChoices: operatorProcedure.query(({ ctx }) => listFilterChoices(ctx.db)),
});
