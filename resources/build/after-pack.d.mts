// Types for after-pack.mjs (plain JS so electron-builder can load it without a TypeScript step).

/** The part of electron-builder's AfterPackContext the hook reads. */
export interface AfterPackContextLike {
  readonly appOutDir: string;
  readonly electronPlatformName: string;
}

/** The RUNPATH (or RPATH) of a little-endian ELF file; undefined when it has none. */
export function readRunpath(elf: Buffer): string | undefined;

/** Rewrites the RUNPATH in place (default `$ORIGIN`); returns the previous value, or undefined when there was none. */
export function rewriteRunpath(elf: Buffer, value?: string): string | undefined;

export default function afterPack(context: AfterPackContextLike): Promise<void>;
