import type * as pulumi from "@pulumi/pulumi";
import { type ConnectionSettings } from "../client/connection";
import { type PingOneClient } from "../client/pingOneClient";
import { ResourceError } from "../errors";
import { clientFor, configureFromStack, connectionProblem } from "../providerHost";
import { InputChecker, diffByKeys, isUnknown } from "../validation";

/** What every resource's inputs and outputs carry: where it lives, and how to reach PingOne. */
export interface Connected {
    environmentId: string;
    connection?: ConnectionSettings;
}

/**
 * What is particular to one dynamic resource; `defineProvider` supplies the rest (configure, the client,
 * the diff, refresh and update endings, storable outputs). `O` is what state keeps, `T` PingOne's object.
 */
export interface ResourceDefinition<I extends Connected, O extends Connected, T> {
    /** How messages name the resource: "OATH token", "device", "activation". */
    kind: string;
    /**
     * Parses raw inputs (anything the program or a preview's unknowns may send) into typed inputs with the
     * defaults filled in, reporting each problem on `checker` with the property and the fix.
     */
    check(raw: Record<string, unknown>, checker: InputChecker): I;
    /** Inputs whose change means another object in PingOne (replace). */
    replaceKeys: readonly string[];
    /** Inputs whose change is an update; everything else (one-shot codes, seeds) is no change. */
    updateKeys: readonly string[];
    /** Delete the old object before creating the new one (PingOne refuses a second with the same serial). */
    deleteBeforeReplace: boolean;
    /** The inputs as compared with the stored outputs (default: as given). */
    comparable?(olds: O, news: I): object;
    create(client: PingOneClient, inputs: I): Promise<{ id: string; outs: O }>;
    /** PingOne's object, or undefined when it no longer exists. */
    fetch(client: PingOneClient, id: string, state: O): Promise<T | undefined>;
    /** The outputs for `settings` (the new inputs on update, the state on refresh) and PingOne's object. */
    outputs(settings: I | O, object: T, previous: O): O;
    /** Says which object, for messages: "OATH token FOB000001 (id)". */
    describe(id: string, state: O): string;
    /** `client` is created only when called: a delete that leaves PingOne alone needs no credentials. */
    delete(client: () => Promise<PingOneClient>, id: string, state: O): Promise<void>;
}

/**
 * One skeleton for the dynamic resources. `check` turns raw inputs into typed ones (so nothing downstream
 * casts); refresh of an object PingOne no longer holds drops it from state; an update of such an object
 * says to refresh; outputs are stripped of undefined values, which state cannot hold.
 */
export function defineProvider<I extends Connected, O extends Connected, T>(
    definition: ResourceDefinition<I, O, T>,
): pulumi.dynamic.ResourceProvider<I, O> {
    const { kind } = definition;
    const client = (settings: Connected) => clientFor(settings.connection, settings.environmentId);
    return {
        async configure(request) {
            configureFromStack(request);
        },

        async check(_olds, news) {
            const checker = new InputChecker(news as unknown as Record<string, unknown>);
            const inputs = definition.check(news as unknown as Record<string, unknown>, checker);
            // Credentials too, when nothing about them is still unknown (preview of computed values).
            if (checker.failures.length === 0 && !isUnknown(inputs.connection) && !isUnknown(inputs.environmentId)) {
                const problem = connectionProblem(inputs.connection, inputs.environmentId);
                if (problem) checker.fail("connection", problem);
            }
            return { inputs: storable(inputs), failures: checker.failures };
        },

        async diff(_id, olds, news) {
            const comparable = definition.comparable?.(olds, news) ?? news;
            const { replaceKeys, updateKeys, deleteBeforeReplace } = definition;
            return diffByKeys(olds, comparable, replaceKeys, updateKeys, deleteBeforeReplace);
        },

        async create(inputs) {
            const { id, outs } = await definition.create(await client(inputs), inputs);
            return { id, outs: storable(outs) };
        },

        async read(id, state) {
            if (!state)
                throw new ResourceError(`Cannot refresh ${kind} ${id}: no prior state (import is not supported).`);
            const object = await definition.fetch(await client(state), id, state);
            // No id: the engine drops the resource from state.
            return object === undefined ? {} : { id, props: storable(definition.outputs(state, object, state)) };
        },

        async update(id, olds, news) {
            const object = await definition.fetch(await client(news), id, olds);
            if (object === undefined) {
                throw new ResourceError(
                    `${definition.describe(id, olds)} no longer exists in PingOne: run pulumi refresh (which drops it from the stack), then pulumi up.`,
                );
            }
            return { outs: storable(definition.outputs(news, object, olds)) };
        },

        async delete(id, state) {
            await definition.delete(() => client(state), id, state);
        },
    };
}

/** Neither inputs nor state can hold undefined values (protobuf's Struct refuses them): drop them. */
export function storable<O>(outs: O): O {
    return JSON.parse(JSON.stringify(outs)) as O;
}
