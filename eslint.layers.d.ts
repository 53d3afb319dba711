// Types of eslint.layers.js for the tests that read it (test/lint/layers.test.ts).

/** Every room of src/, lowest first. */
export declare const ROOMS: readonly string[];
/** The flat-config entries that enforce the rooms' import directions. */
export declare function layerConfigs(): unknown[];
