/**
 * The store: which database is active (embedded H2 file or PostgreSQL), migrations, and JDBC transactions shared by
 * every feature's {@code *Store}. Resources are kept as their Clarifai messages plus indexed columns.
 */
package dev.runneragent.store;
