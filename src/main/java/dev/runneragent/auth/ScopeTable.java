package dev.runneragent.auth;

import com.clarifai.grpc.auth.scope.S;
import com.clarifai.grpc.auth.scope.Scope;
import com.clarifai.grpc.auth.types.AuthType;
import com.clarifai.grpc.auth.util.Extension;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.runneragent.api.Caller;
import dev.runneragent.api.Rpc;
import dev.runneragent.api.Rpcs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one scope table, read from Clarifai's own service descriptor: for every RPC this node serves, which key type
 * it takes ({@code cl_auth_type}) and which scopes it needs ({@code cl_depending_scopes}); for every scope, the
 * scopes it depends on. The key filter checks against it and {@code ListScopes} / {@code MyScopesUser} serve it.
 */
@ApplicationScoped
public class ScopeTable {

    /** What calling one RPC takes. */
    public record Requirement(String rpc, boolean personalTokenOnly, Set<String> scopes) {}

    private final Map<String, Requirement> served = new TreeMap<>();
    private final Map<String, Set<String>> scopeDependencies = new TreeMap<>();

    @Inject
    ScopeTable(BeanManager beans) {
        for (String rpc : servedRpcs(beans)) {
            served.put(rpc, requirement(Rpcs.method(rpc)));
        }
        for (EnumValueDescriptor value : S.getDescriptor().getValues()) {
            if (value.getOptions().getExtension(Scope.clarfaiExposed)) {
                Set<String> deps = new LinkedHashSet<>();
                value.getOptions().getExtension(Scope.clarifaiDependingScopes).forEach(s -> deps.add(wireName(s)));
                scopeDependencies.put(wireName(value.getName()), deps);
            }
        }
    }

    /**
     * The scopes an app key can use: {@code All}, and those the endpoints that take app keys need, with their
     * dependencies. The others (such as {@code Keys:Add}) only serve endpoints that take personal access tokens.
     */
    public Set<String> appKeyScopes() {
        Set<String> needed = new LinkedHashSet<>(List.of(ALL));
        served.values().stream().filter(r -> !r.personalTokenOnly()).forEach(r -> needed.addAll(r.scopes()));
        return withDependencies(needed);
    }

    /** The requirement of {@code rpc}; every RPC a resource method names is in the table. */
    public Requirement requirement(String rpc) {
        Requirement requirement = served.get(rpc);
        if (requirement == null) {
            throw new IllegalStateException("RPC " + rpc + " is not in the scope table");
        }
        return requirement;
    }

    public Collection<Requirement> served() {
        return served.values();
    }

    /** Every scope a key can carry, with the scopes each one depends on. */
    public Map<String, Set<String>> scopeDependencies() {
        return scopeDependencies;
    }

    /** The scope named {@code name} in either spelling ({@code Workflows:Get} or {@code Workflows_Get}). */
    public Optional<String> scope(String name) {
        String wire = wireName(name);
        return scopeDependencies.containsKey(wire) ? Optional.of(wire) : Optional.empty();
    }

    /** {@code scopes} plus every scope they depend on, transitively. */
    public Set<String> withDependencies(Collection<String> scopes) {
        Set<String> closed = new LinkedHashSet<>();
        List<String> pending = new java.util.ArrayList<>(scopes);
        while (!pending.isEmpty()) {
            String scope = pending.remove(pending.size() - 1);
            if (closed.add(scope)) {
                pending.addAll(scopeDependencies.getOrDefault(scope, Set.of()));
            }
        }
        return closed;
    }

    /** The scopes of {@code requirement} that {@code caller} lacks; empty when it may call the RPC. */
    public Set<String> missingScopes(Caller caller, Requirement requirement) {
        if (caller.isPersonal()
                || caller.scopes().contains(ALL)
                || caller.endpoints().contains(Rpcs.endpoint(requirement.rpc()))) {
            return Set.of();
        }
        Set<String> missing = new LinkedHashSet<>(requirement.scopes());
        missing.removeAll(caller.scopes());
        return missing;
    }

    /** The scope that grants everything. */
    public static final String ALL = "All";

    /** Scopes travel as {@code Resource:Action}; the descriptor spells them {@code Resource_Action}. */
    static String wireName(Object scope) {
        return scope.toString().replace('_', ':');
    }

    private static Requirement requirement(MethodDescriptor method) {
        AuthType authType = method.getOptions().getExtension(Extension.clAuthType);
        // Session-token RPCs are answered for personal access tokens: the node has no browser sessions.
        boolean personalOnly = authType == AuthType.PATAuth || authType == AuthType.SessionTokenAuth;
        Set<String> scopes = new LinkedHashSet<>();
        method.getOptions().getExtension(Extension.clDependingScopes).forEach(s -> scopes.add(wireName(s)));
        return new Requirement(method.getName(), personalOnly, Set.copyOf(scopes));
    }

    /** The RPCs named by {@link Rpc} on the methods of this application's REST resources. */
    private static Set<String> servedRpcs(BeanManager beans) {
        Set<String> rpcs = new LinkedHashSet<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            if (type.isAnnotationPresent(Path.class)) {
                for (Method method : type.getMethods()) {
                    Rpc rpc = method.getAnnotation(Rpc.class);
                    if (rpc != null) {
                        rpcs.add(rpc.value());
                    }
                }
            }
        }
        return rpcs;
    }
}
