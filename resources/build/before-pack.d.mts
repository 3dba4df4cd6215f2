// Types for the electron-builder beforePack hook (before-pack.mjs), for the tests.
export interface BeforePackContext {
  readonly electronPlatformName: string;
  /** electron-builder's Arch enum: 0 ia32, 1 x64, 2 armv7l, 3 arm64, 4 universal. */
  readonly arch: number;
  readonly packager?: { readonly projectDir: string };
}

export interface BeforePackOptions {
  readonly projectDir?: string;
  readonly fetch?: (projectDir: string, name: string, version: string) => void;
}

export function echoCancellerPackagesFor(platform: string, arch: number | string): string[];

export default function beforePack(context: BeforePackContext, options?: BeforePackOptions): Promise<void>;
