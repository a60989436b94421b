// typescript-eslint's recommended rules, plus what this codebase relies on: no unused code, no stray
// `any`, `require` only where a module must be loaded lazily (each such call says why).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/", "node_modules/", ".pulumi-state/", ".pingone-emulator/", "examples/infra/node_modules/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
            ],
            "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
            eqeqeq: ["error", "smart"],
            "no-console": "off",
        },
    },
);
