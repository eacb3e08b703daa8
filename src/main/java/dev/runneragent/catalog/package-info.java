/**
 * The user-level lists (models, datasets, evaluations, modules, collaborations, app duplications): filled at start
 * from the model folder and the catalog import file, kept in the store, and served filtered, sorted and paged.
 */
package dev.runneragent.catalog;
