/**
 * Finds the AWS operations proofpack's source code sends, statically, with the TypeScript
 * parser: every `new XxxCommand(…)` and `paginateXxx(…)` whose name is imported from an
 * `@aws-sdk/client-*` package (the service is the package's IAM prefix, src/aws/iam-actions.ts),
 * and every credential provider that calls AWS itself (`fromTemporaryCredentials` → AssumeRole).
 *
 * Anything that could send a command without being seen — a namespace import of an SDK client
 * package, a Command or paginator referenced other than by `new`/call, a dynamic import of an SDK
 * package — is reported in `unseen`, so a test can refuse it instead of missing an operation.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { CREDENTIAL_PROVIDER_OPERATIONS, SDK_PACKAGE_PREFIXES } from '../../src/aws/iam-actions.js';

export interface SdkCall {
  /** `s3:GetBucketReplication` */
  operation: string;
  /** Path relative to the repository root. */
  file: string;
  line: number;
  /** Offset of the call in the file. */
  pos: number;
}

interface ImportedName {
  /** The module as written (`@aws-sdk/client-s3`, `./discovered.js`). */
  module: string;
  /** The name exported by that module. */
  imported: string;
}

interface ModuleInfo {
  file: string;
  source: ts.SourceFile;
  imports: Map<string, ImportedName>;
  /** Top-level declarations by name (functions, consts, classes). */
  declarations: Map<string, ts.Node>;
  /** Every SDK call of the file. */
  calls: SdkCall[];
  /** Uses of SDK names the scanner cannot attribute to an operation. */
  unseen: string[];
}

/** Every `.ts` file under `dir` (not `.d.ts`), sorted. */
export function listSourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return listSourceFiles(full);
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
    })
    .sort();
}

/** Statically reads the AWS calls of TypeScript modules, and which calls each declaration reaches. */
export class SdkCallScanner {
  private readonly modules = new Map<string, ModuleInfo>();

  constructor(private readonly root: string) {}

  /** Every SDK call in the file. */
  callsInFile(file: string): SdkCall[] {
    return this.module(file).calls;
  }

  /** SDK names used in ways the scanner cannot attribute (empty when the file is fully understood). */
  unseenInFile(file: string): string[] {
    return this.module(file).unseen;
  }

  /**
   * The operations an exported declaration of `file` can send: the SDK calls inside it, plus,
   * transitively, those of the same-module declarations and relative imports it refers to. So a
   * collector's own helpers count (config/discovered.ts for config.resources), but a constant
   * imported from a helper module does not bring that module's calls along.
   */
  operationsOf(file: string, name: string): Set<string> {
    const out = new Set<string>();
    this.collect(path.resolve(file), name, out, new Set());
    return out;
  }

  private collect(file: string, name: string, out: Set<string>, seen: Set<string>): void {
    const key = `${file}#${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const info = this.module(file);
    const node = info.declarations.get(name);
    if (!node) throw new Error(`${path.relative(this.root, file)}: no top-level declaration named ${name}`);
    const [start, end] = [node.getStart(info.source), node.getEnd()];
    for (const call of info.calls) if (call.pos >= start && call.pos < end) out.add(call.operation);
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && n !== (node as { name?: ts.Node }).name && !isMemberName(n)) {
        const id = n.text;
        const imported = info.imports.get(id);
        if (imported && imported.module.startsWith('.')) {
          const target = resolveRelative(file, imported.module);
          if (target) this.collect(target, imported.imported, out, seen);
        } else if (!imported && id !== name && info.declarations.has(id)) {
          this.collect(file, id, out, seen);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
  }

  private module(file: string): ModuleInfo {
    const full = path.resolve(file);
    let info = this.modules.get(full);
    if (!info) {
      info = scanModule(full, this.root);
      this.modules.set(full, info);
    }
    return info;
  }
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next
    }
  }
  return undefined;
}

function scanModule(file: string, root: string): ModuleInfo {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const rel = path.relative(root, file);
  const imports = new Map<string, ImportedName>();
  const declarations = new Map<string, ts.Node>();
  const calls: SdkCall[] = [];
  const unseen: string[] = [];
  const lineOf = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
  const at = (n: ts.Node) => ({ file: rel, line: lineOf(n), pos: n.getStart(source) });

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const module = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly) continue;
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings) && module.startsWith('@aws-sdk/')) {
        unseen.push(`${rel}:${lineOf(statement)}: namespace import of ${module} (name the commands instead)`);
      }
      if (clause.name && module.startsWith('@aws-sdk/')) unseen.push(`${rel}:${lineOf(statement)}: default import of ${module}`);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if (element.isTypeOnly) continue;
          imports.set(element.name.text, { module, imported: (element.propertyName ?? element.name).text });
        }
      }
      continue;
    }
    if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
      if (statement.name) declarations.set(statement.name.text, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) declarations.set(d.name.text, d);
    }
  }

  const sdkName = (id: ts.Identifier): { prefix?: string; imported: string; module: string } | undefined => {
    const imported = imports.get(id.text);
    if (!imported) return undefined;
    if (imported.module in SDK_PACKAGE_PREFIXES) return { prefix: SDK_PACKAGE_PREFIXES[imported.module], imported: imported.imported, module: imported.module };
    if (imported.module.startsWith('@aws-sdk/client-')) return { imported: imported.imported, module: imported.module };
    if (imported.module === '@aws-sdk/credential-providers') return { imported: imported.imported, module: imported.module };
    return undefined;
  };

  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = n.arguments[0];
      if (!arg || !ts.isStringLiteral(arg) || arg.text.startsWith('@aws-sdk/')) unseen.push(`${rel}:${lineOf(n)}: dynamic import that may load an AWS SDK package`);
    }
    if (ts.isIdentifier(n) && !isImportBinding(n) && !ts.isTypeQueryNode(n.parent)) {
      const sdk = sdkName(n);
      if (sdk) {
        const parent = n.parent;
        const called = (ts.isNewExpression(parent) || ts.isCallExpression(parent)) && parent.expression === n;
        const isCommand = /^[A-Z][A-Za-z0-9]*Command$/.test(sdk.imported) && sdk.module.startsWith('@aws-sdk/client-');
        const isPaginator = /^paginate[A-Z][A-Za-z0-9]*$/.test(sdk.imported) && sdk.module.startsWith('@aws-sdk/client-');
        const provider = sdk.module === '@aws-sdk/credential-providers' ? CREDENTIAL_PROVIDER_OPERATIONS[sdk.imported] : undefined;
        if ((isCommand || isPaginator) && !sdk.prefix) {
          unseen.push(`${rel}:${lineOf(n)}: ${sdk.module} has no IAM prefix in SDK_PACKAGE_PREFIXES (src/aws/iam-actions.ts)`);
        } else if (isCommand && called && ts.isNewExpression(parent)) {
          calls.push({ operation: `${sdk.prefix}:${sdk.imported.replace(/Command$/, '')}`, ...at(n) });
        } else if (isPaginator && called && ts.isCallExpression(parent)) {
          calls.push({ operation: `${sdk.prefix}:${sdk.imported.replace(/^paginate/, '')}`, ...at(n) });
        } else if (isCommand || isPaginator) {
          unseen.push(`${rel}:${lineOf(n)}: ${sdk.imported} used other than by \`new ${sdk.imported}(\` / \`${sdk.imported}(\``);
        } else if (provider) {
          calls.push({ operation: provider, ...at(n) });
        } else if (sdk.module === '@aws-sdk/credential-providers') {
          unseen.push(`${rel}:${lineOf(n)}: credential provider ${sdk.imported} has no entry in CREDENTIAL_PROVIDER_OPERATIONS`);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return { file: rel, source, imports, declarations, calls, unseen };
}

/** `x.name` or `{ name: … }`: a property name, not a reference to a declaration. */
function isMemberName(n: ts.Identifier): boolean {
  const p = n.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || (ts.isPropertySignature(p) && p.name === n);
}

function isImportBinding(n: ts.Identifier): boolean {
  return ts.isImportSpecifier(n.parent) || ts.isImportClause(n.parent) || ts.isNamespaceImport(n.parent);
}
