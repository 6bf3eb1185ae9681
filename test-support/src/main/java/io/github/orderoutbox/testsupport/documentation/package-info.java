/** The settings tables of the docs read back, so a test can hold them to the defaults the code binds. */
package io.github.orderoutbox.testsupport.documentation;
