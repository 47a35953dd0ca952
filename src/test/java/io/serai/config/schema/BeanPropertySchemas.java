package io.serai.config.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Processor;
import org.apache.camel.processor.loadbalancer.LoadBalancer;
import org.apache.camel.spi.Policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The beans a route file declares by {@code type}: Serai's public processors, policies and load
 * balancers with settable properties, found by reflection, with the properties Camel's property binding
 * sets on them (public one-argument setters of Serai's classes, of a plain type).
 */
final class BeanPropertySchemas {

    /** The packages whose classes route files declare as beans. */
    static final List<String> PACKAGES =
            List.of("io.serai.balancing", "io.serai.caching", "io.serai.resilience", "io.serai.security");

    private BeanPropertySchemas() {}

    /** The bean classes by name, sorted. */
    static Map<String, Class<?>> beanClasses() {
        Map<String, Class<?>> found = new TreeMap<>();
        for (String pkg : PACKAGES) {
            for (Class<?> type : classesOf(pkg)) {
                if (isBean(type) && !properties(type).isEmpty()) {
                    found.put(type.getName(), type);
                }
            }
        }
        return found;
    }

    /** The schema of a bean's {@code properties:} map. */
    static ObjectNode schemaOf(Class<?> type) {
        ObjectNode schema = SchemaValues.JSON.objectNode();
        schema.put("title", type.getSimpleName() + " properties");
        String about = JavadocText.ofClass(type);
        if (!about.isEmpty()) {
            schema.put("description", about);
        }
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        Object fresh = newInstance(type);
        properties(type).forEach((name, setter) -> {
            ObjectNode value = SchemaValues.ofJavaType(setter.getParameterTypes()[0]);
            String text = JavadocText.ofSetter(setter.getDeclaringClass(), setter.getName());
            if (!text.isEmpty()) {
                value.put("description", text);
            }
            Object defaultValue = SchemaValues.defaultOf(fieldValue(fresh, name));
            if (defaultValue != null) {
                value.putPOJO("default", defaultValue);
            }
            properties.set(name, value);
        });
        return schema;
    }

    /** Property name to setter, sorted. */
    static Map<String, Method> properties(Class<?> type) {
        Map<String, Method> setters = new TreeMap<>();
        for (Method m : type.getMethods()) {
            if (m.getName().length() > 3
                    && m.getName().startsWith("set")
                    && m.getParameterCount() == 1
                    && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass().getName().startsWith("io.serai.")
                    && isPlain(m.getParameterTypes()[0])) {
                String name = Character.toLowerCase(m.getName().charAt(3))
                        + m.getName().substring(4);
                setters.put(name, m);
            }
        }
        return setters;
    }

    private static boolean isPlain(Class<?> type) {
        return type.isPrimitive()
                || type == String.class
                || type.isEnum()
                || type == Duration.class
                || Number.class.isAssignableFrom(type)
                || type == Boolean.class;
    }

    private static boolean isBean(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        boolean role = Processor.class.isAssignableFrom(type)
                || Policy.class.isAssignableFrom(type)
                || LoadBalancer.class.isAssignableFrom(type);
        return role && Stream.of(type.getConstructors()).anyMatch(c -> c.getParameterCount() == 0);
    }

    private static Object newInstance(Class<?> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getName() + " to read its defaults", e);
        }
    }

    /** The value of the field a property sets, when the field has its name (its default). */
    private static Object fieldValue(Object bean, String name) {
        for (Class<?> c = bean.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(bean);
            } catch (NoSuchFieldException e) {
                // try the superclass
            } catch (IllegalAccessException e) {
                return null;
            }
        }
        return null;
    }

    private static List<Class<?>> classesOf(String pkg) {
        // Serai's own classes, not the test classes that share its packages
        URL main = io.serai.Serai.class.getProtectionDomain().getCodeSource().getLocation();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(main.toURI()).resolve(pkg.replace('.', '/')))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    classes.add(Class.forName(pkg + "." + name.substring(0, name.length() - 6)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }
}
