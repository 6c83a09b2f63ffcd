package org.mcpfront.aggregate;

import io.vertx.core.Future;
import java.util.function.Function;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.session.Backend;
import org.mcpfront.session.BackendListener;

/**
 * Makes a member's backend as an ordinary session of that route would get it ({@code session.Backends}),
 * once what the member's HTTP backend speaks is known: the supervisor, which knows the eras, provides it.
 */
@FunctionalInterface
public interface MemberBackends {

    /** The backend factory for {@code memberSpec}'s route, in the name of its owner. */
    Future<Function<BackendListener, Backend>> open(SessionSpec memberSpec);
}
