/**
 * The hub side of the runner protocol. {@link dev.runneragent.runner.RunnerService} registers runners and serves
 * their two calls: {@code ListRunnerItems}, a long poll on the {@link dev.runneragent.runner.RunnerQueue} (leases
 * taken with {@code SELECT ... FOR UPDATE SKIP LOCKED} in {@link dev.runneragent.runner.ItemStore}), and
 * {@code PostRunnerItemOutputs} ({@link dev.runneragent.runner.ItemReports}). The
 * {@link dev.runneragent.runner.Dispatcher} is how callers ({@code PostModelOutputs} through
 * {@link dev.runneragent.runner.Predictions}, later the workflow runner) queue an item and wait for its result;
 * {@link dev.runneragent.runner.HubSweeper} expires leases and fails items after their last attempt.
 *
 * <p>Every change to an item is one transaction. After it commits, this process wakes its own waiters (polls,
 * callers) directly, and {@link dev.runneragent.runner.HubSignals} tells the other hub replicas on the same
 * PostgreSQL database through {@code LISTEN/NOTIFY}. Depends on {@code api}, {@code store} and {@code execution}.
 */
package dev.runneragent.runner;
