// Declarations for Moddable SDK modules that @moddable/typings 5.6.0 lacks.
// Checked against the SDK sources (Moddable-OpenSource/moddable).

declare module 'crypt' {
  /** Native message digest (modules/crypt/digest). `new Digest("SHA256")`. */
  export class Digest {
    constructor(algorithm: 'MD5' | 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512');
    write(data: ArrayBuffer | ArrayBufferView | string): void;
    close(): ArrayBuffer;
    reset(): void;
  }
}
