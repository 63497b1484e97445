/** Thrown while compiling: the operation runs through the resolvers instead, for this reason. */
export class NotCompilable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotCompilable';
  }
}
