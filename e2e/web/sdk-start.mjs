// What rsa.min.js does when the loading snippet adds it: create the SDK instance, which takes the
// stub array's buffered calls (load first) and replaces window.rudderanalytics.
import { RudderAnalytics } from '/vendor/v3.mjs';

new RudderAnalytics();
