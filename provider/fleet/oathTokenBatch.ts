import * as pulumi from "@pulumi/pulumi";
import type * as batchProvider from "./oathTokenBatchProvider";
import { type ConnectionArgs, ModuleBackedResource } from "../dynamic/moduleBackedResource";
import { type BatchTokenInput, type BatchTokenState, type OnUnassign } from "./oathTokenBatchProvider";
import { type ReportReference } from "./rolloutReport";
import { type SeedFileReference } from "./seedFileReference";

/** The provider-host entry's export that runs this resource (checked against the module it re-exports). */
const providerExport = "oathTokenBatchProvider" satisfies keyof typeof batchProvider;

export interface OathTokenBatchArgs {
    /** The PingOne environment (UUID). */
    environmentId: pulumi.Input<string>;
    /**
     * The seed file the provider host reads the secrets from (it never receives them as inputs): its path
     * relative to the Pulumi project folder, its read options, and where its passphrase or key is found.
     */
    seedFile: SeedFileReference;
    /**
     * The tokens, by serial number: the fingerprint of each seed (`oathTokenFingerprint`) and who gets it
     * (`userId` or `username`; neither: inventory only).
     */
    tokens: Record<string, BatchTokenInput>;
    /** Activate paired devices with codes from the seeds (default true). */
    activate?: boolean;
    /**
     * Take over tokens and devices PingOne already holds (default false: each is an error naming it).
     * Adopted objects are never revoked or deleted by the stack.
     */
    adopt?: boolean;
    /** What becomes of a token that loses its user: `"unpair"` (default) or `"revoke"`; see `OnUnassign`. */
    onUnassign?: OnUnassign;
    connection?: pulumi.Input<ConnectionArgs>;
    /**
     * When some tokens fail: fail this resource's step (default true; what was done is kept, and the next
     * `pulumi up` retries only the failed tokens), or only record each error in `tokens` (false), for a
     * program that reports them after all its batches have run, as `OathTokenFleet` does.
     */
    failOnTokenErrors?: boolean;
    /**
     * The fleet's roll-out report (see `OathTokenFleetArgs.reportFile`): after a refresh this batch rewrites
     * its rows of it, and destroy removes them. Default: none.
     */
    report?: ReportReference;
}

/**
 * Many tokens in one resource: inventory entries (one `CREATE_OATH_TOKENS` job), pairings and
 * activations, token by token; what `OathTokenFleet` is made of. A change to one token touches only
 * that token; an unchanged batch sends nothing. When some tokens fail the others are kept, the run
 * fails naming each failed serial and user, and the next `pulumi up` retries only those.
 *
 * Type token: `pulumi-nodejs:dynamic/pingone:OathTokenBatch`. Id: a random UUID.
 */
export class OathTokenBatch extends ModuleBackedResource {
    declare readonly environmentId: pulumi.Output<string>;
    /** What PingOne holds for each token, by serial: ids, ownership, device status, the last error. */
    declare readonly tokens: pulumi.Output<Record<string, BatchTokenState>>;
    /** Assignments left out, by serial, and why (a username PingOne does not know). */
    declare readonly skipped: pulumi.Output<Record<string, string> | undefined>;

    constructor(name: string, args: OathTokenBatchArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            environmentId: args.environmentId,
            seedFile: args.seedFile,
            tokens: args.tokens,
            activate: args.activate,
            adopt: args.adopt,
            onUnassign: args.onUnassign,
            connection: args.connection === undefined ? undefined : pulumi.secret(args.connection),
            failOnTokenErrors: args.failOnTokenErrors,
            report: args.report,
            // For the provider's messages, which would otherwise name the batch by its id.
            batchName: name,
            skipped: undefined,
        };
        super("OathTokenBatch", providerExport, name, props, opts, ["connection"]);
    }
}
