/**
 * The agent side of the runner protocol: a node that registers as a runner of an upstream hub and pulls its work.
 * So far the upstream client ({@link dev.runneragent.agent.Upstream}); the pull loops build on it.
 */
package dev.runneragent.agent;
