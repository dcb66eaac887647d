/** Nothing global to stop: each integration test file starts and stops its own moto server. */
export default function globalTeardown(): void {}
