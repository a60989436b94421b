// Entry for `pulumi up` with the Pulumi CLI (Pulumi.yaml `main`): the program's default export.
import main from "./index";
export = main;
