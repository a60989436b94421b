// Batch OATH token jobs: submit a create or revoke job (the Content-Type says which), read a job back.
// A job's work is done when it is submitted (one request, one persisted state); it then reads
// IN_PROGRESS for `oathJobDurationMs` (default 0) and DONE/FAILED with its result after that.
import { randomUUID } from "node:crypto";
import {
    CREATE_JOB_MEDIA_TYPE,
    parseOathJobRequest,
    REVOKE_JOB_MEDIA_TYPE,
    runCreateJob,
    runRevokeJob,
} from "../oathJobs";
import { renderOathJob } from "../render";
import { jsonObjectBody, requireMediaType, type Router } from "../router";
import { timestamp, type OathJobRecord } from "../store";
import type { EmulatorServices } from "./services";

const JOBS = "/v1/environments/:envId/oathJobs";

export function registerOathJobRoutes(router: Router, services: EmulatorServices): void {
    router.add("POST", JOBS, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        // Wrong or missing Content-Type: 415 INVALID_REQUEST, as for every other PingOne action.
        requireMediaType(ctx, CREATE_JOB_MEDIA_TYPE, REVOKE_JOB_MEDIA_TYPE);
        const request = parseOathJobRequest(ctx.mediaType, jsonObjectBody(ctx));
        const outcome =
            request.type === "CREATE_OATH_TOKENS"
                ? runCreateJob(env, request.tokens)
                : runRevokeJob(env, request.tokenIds, request.forceUnpair);
        const synchronous = request.type === "REVOKE_OATH_TOKENS" && !request.async;
        const createdAt = timestamp();
        const durationMs = synchronous ? 0 : services.oathJobDurationMs;
        const job: OathJobRecord = {
            id: randomUUID(),
            type: request.type,
            createdAt,
            completesAt: new Date(Date.parse(createdAt) + durationMs).toISOString(),
            ...outcome,
        };
        env.oathJobs.set(job.id, job);
        // The docs show no answer to the POST. An asynchronous job is answered like PingOne's other
        // accepted-for-later work: 202 with the job IN_PROGRESS (so a client always polls at least once)
        // and its URL in Location. A revoke job with async false is answered when done: 200, final job.
        const body = renderOathJob(services.apiUrl(), env, job, synchronous);
        return { status: synchronous ? 200 : 202, body, headers: { Location: body._links.self.href } };
    });

    router.add("GET", `${JOBS}/:jobId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        const job = env.oathJob(ctx.params.jobId);
        const finished = Date.now() >= Date.parse(job.completesAt);
        return { status: 200, body: renderOathJob(services.apiUrl(), env, job, finished) };
    });
}
