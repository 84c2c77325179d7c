// s3rver ships no types; the tests use only these members.
declare module 's3rver' {
  export default class S3rver {
    constructor(opts: { port?: number; address?: string; silent?: boolean; directory?: string; configureBuckets?: { name: string; configs: (string | Buffer)[] }[] })
    run(): Promise<{ port: number; address: string }>
    close(): Promise<void>
  }
}
