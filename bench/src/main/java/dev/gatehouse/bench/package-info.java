/**
 * JMH benchmarks. Each benchmark class measures Gatehouse next to the alternative it replaces, in
 * the same run, so that results can be reported as ratios. Run by hand, never in CI:
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar -f 1 -wi 3 -i 5 ApiKey
 * </pre>
 */
package dev.gatehouse.bench;
