// Functions the kernels import from JS (wasm-kernels.ts provides them; AssemblyScript names the
// import module after this file: "env").

/** performance.now(): the barriers' spin is timed by the clock. */
export declare function now(): f64;

/** Atomics.wait on the int32 at byte `addr` while it equals `old`, for at most `ms`. */
export declare function wait(addr: usize, old: i32, ms: f64): void;

/** Atomics.notify on the int32 at byte `addr`: wakes every waiter. */
export declare function notify(addr: usize): void;
